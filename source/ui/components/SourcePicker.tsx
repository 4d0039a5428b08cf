import SelectInput from 'ink-select-input';
import {useMemo} from 'react';
import {Pane} from './Pane.js';

type Props = {
  name: string;
  owners: readonly string[];
  width: number;
  /** Lines the dialog may take, borders included. */
  height: number;
  onPick: (owner: string | undefined) => void;
};

/** The value for "any owner": the node then tries each in turn. */
const ANY = '';

export function sourcePickerHeight(owners: number): number {
  return owners + 1 + 2;
}

/** Choosing where to fetch a file from when several peers have it. */
export function SourcePicker({name, owners, width, height, onPick}: Props) {
  const items = useMemo(
    () => [
      {key: 'any', label: `any of the ${owners.length} (tries each in turn)`, value: ANY},
      ...owners.map((owner) => ({key: owner, label: owner, value: owner})),
    ],
    [owners],
  );
  return (
    <Pane title={`Fetch ${name} from`} width={width} height={height} focused>
      <SelectInput
        items={items}
        limit={Math.max(height - 2, 1)}
        onSelect={(item) => onPick(item.value === ANY ? undefined : item.value)}
      />
    </Pane>
  );
}
