import SelectInput from 'ink-select-input';
import {useMemo} from 'react';
import {Pane} from './Pane.js';

type Props = {
  name: string;
  owners: readonly string[];
  /** The highlighted item: 0 is "any owner", then each owner. */
  index: number;
  width: number;
  /** Lines the dialog may take, borders included. */
  height: number;
};

export function sourcePickerHeight(owners: number): number {
  return owners + 1 + 2;
}

/**
 * Choosing where to fetch a file from when several peers have it. The key
 * table moves the highlight and fetches (the UI state holds it), so keys in
 * one burst are each counted; the list only draws it.
 */
export function SourcePicker({name, owners, index, width, height}: Props) {
  const items = useMemo(
    () => [
      {key: 'any', label: `any of the ${owners.length} (tries each in turn)`, value: ''},
      ...owners.map((owner) => ({key: owner, label: owner, value: owner})),
    ],
    [owners],
  );
  return (
    <Pane title={`Fetch ${name} from`} width={width} height={height} focused>
      <SelectInput
        // Drawn afresh for each highlight: it takes the index only as it mounts.
        key={index}
        items={items}
        initialIndex={index}
        isFocused={false}
        limit={Math.max(height - 2, 1)}
      />
    </Pane>
  );
}
