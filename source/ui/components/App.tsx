import {Box, useApp, useStdout} from 'ink';
import {useCallback, useMemo} from 'react';
import type {AppSession} from '../../app/session.js';
import {useAppState, useOnClosed} from '../hooks/use-app-state.js';
import {useKeyActions} from '../hooks/use-key-actions.js';
import {useKeymap} from '../hooks/use-keymap.js';
import {useLogPane, useLogView} from '../hooks/use-log.js';
import {describeArrangement} from '../model/file-arrangement.js';
import {fileDetail, peerDetail, shortPath} from '../model/detail-line.js';
import {liveFilter} from '../model/ui-state.js';
import {addProgress} from '../model/log-lines.js';
import {DetailLine} from './DetailLine.js';
import {FilterLine} from './FilterLine.js';
import {LOG_PREFIX_WIDTH, LogView} from './LogView.js';
import {useTerminalSize} from '../hooks/use-terminal-size.js';
import {CLEAR_SCREEN} from '../terminal/terminal-screen.js';
import {useTransfers} from '../hooks/use-transfers.js';
import {useUiState} from '../hooks/use-ui-state.js';
import {
  computeLayout,
  isTooSmall,
  maxDialogHeight,
  type TerminalSize,
} from '../model/layout.js';
import {keyContext} from '../model/key-context.js';
import type {Mode} from '../model/ui-state.js';
import {CONFIRM_HEIGHT, ConfirmDialog} from './ConfirmDialog.js';
import {FilesPane} from './FilesPane.js';
import {Header} from './Header.js';
import {helpLineCount, HelpOverlay} from './HelpOverlay.js';
import {LeaveDialog} from './LeaveDialog.js';
import {KeyBar} from './KeyBar.js';
import {LogPane} from './LogPane.js';
import {PeersPane} from './PeersPane.js';
import {Prompt, PROMPT_HEIGHT} from './Prompt.js';
import {SourcePicker, sourcePickerHeight} from './SourcePicker.js';
import {TooSmall} from './TooSmall.js';
import {Transfers} from './Transfers.js';

export type AppProps = {
  /** The app this screen shows and commands; in-process or, later, over a socket. */
  session: AppSession;
  /** Fixed size for tests; by default the terminal's, following resizes. */
  size?: TerminalSize;
  /** Show debug log lines. */
  verbose?: boolean;
  /** Called as the app exits (after the node closed, or on a forced quit). */
  onExit?: () => void;
};

/**
 * The whole screen: header, Available Files | Peer List, the selected row in
 * full, transfers, Log, key bar; help and the log view take the middle.
 */
export function App({session, size: fixedSize, verbose = false, onExit}: AppProps) {
  const {exit} = useApp();
  const {write} = useStdout();
  const size = useTerminalSize(fixedSize);
  const {store: appStore, snapshot} = useAppState(session);
  const transfers = useTransfers(snapshot.transfers, snapshot.takenAt);
  const {store, state, lists, selected} = useUiState(snapshot);

  const leave = useCallback(() => {
    onExit?.();
    exit();
  }, [exit, onExit]);
  useOnClosed(snapshot.closed, leave);

  const dialogHeight = dialogHeightOf(state.mode, size);
  const layout = computeLayout(size, {transfers: transfers.running.length, dialogHeight});
  const log = useLogPane(snapshot.log, {
    verbose,
    rows: Math.max(layout.logHeight - 2, 0),
  });
  const {mode} = state;
  const mainHeight =
    layout.paneHeight + layout.detailRows + layout.transferRows + layout.logHeight;
  const logView = useLogView(snapshot.log, {
    level: mode.kind === 'log' ? mode.level : 'info',
    width: layout.width - 2 - LOG_PREFIX_WIDTH,
    rows: mainHeight - 2,
    fromEnd: mode.kind === 'log' ? mode.fromEnd : 0,
    open: mode.kind === 'log',
  });

  const commands = useKeyActions({
    session,
    store,
    note: (level, message) => appStore.note(level, message),
    lists,
    transfers: snapshot.transfers,
    pageSize: Math.max(layout.paneHeight - 3, 1),
    logLines: logView.total,
    logPage: mainHeight - 2,
    helpLines: helpLineCount(),
    verbose,
    redraw: () => write(CLEAR_SCREEN),
    exitNow: leave,
  });
  useKeymap(commands);
  const context = keyContext(
    state,
    selected,
    transfers.running.length > 0,
    session.control !== undefined,
  );

  const counts = useMemo(() => {
    let shared = 0;
    let network = 0;
    for (const file of snapshot.files) {
      if (file.local) shared++;
      if (file.owners.length > 0) network++;
    }
    return {shared, network};
  }, [snapshot.files]);

  if (isTooSmall(size)) return <TooSmall size={size} />;

  const detail =
    state.focus === 'files'
      ? selected.file &&
        fileDetail(selected.file, snapshot.transfers, snapshot.downloadDir)
      : selected.peer && peerDetail(selected.peer);
  const arrangement = describeArrangement({
    ...state.arrangement,
    filter: liveFilter(state, 'files'),
  });
  const detailTop = 1 + layout.paneHeight;
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <Header
        id={snapshot.id}
        peers={snapshot.peers.length}
        maxPeers={snapshot.maxPeers}
        shared={counts.shared}
        network={counts.network}
        transfers={transfers.running.length}
        keepsRunning={session.control?.keepRunning() ?? false}
        downloadDir={shortPath(snapshot.downloadDir, process.env.HOME)}
        width={layout.width}
      />
      {mode.kind === 'help' ? (
        <HelpOverlay
          context={{...context, mode: 'browse'}}
          offset={mode.offset}
          width={layout.width}
          height={mainHeight}
        />
      ) : mode.kind === 'log' ? (
        <LogView
          lines={logView.lines}
          level={mode.level}
          fromEnd={logView.fromEnd}
          total={logView.total}
          width={layout.width}
          height={mainHeight}
        />
      ) : (
        <>
          <Box height={layout.paneHeight} flexShrink={0}>
            <FilesPane
              files={lists.files}
              total={snapshot.files.length}
              arrangement={arrangement}
              search={snapshot.search}
              fetching={transfers.byName}
              selected={selected.fileIndex}
              focused={state.focus === 'files'}
              width={layout.filesWidth}
              height={layout.paneHeight}
            />
            <PeersPane
              peers={lists.peers}
              filter={liveFilter(state, 'peers')}
              maxPeers={snapshot.maxPeers}
              selected={selected.peerIndex}
              focused={state.focus === 'peers'}
              width={layout.peersWidth}
              height={layout.paneHeight}
            />
          </Box>
          {mode.kind === 'filter' ? (
            <FilterLine
              paneTitle={mode.pane === 'files' ? 'Available Files' : 'Peer List'}
              line={mode.line}
              shown={mode.pane === 'files' ? lists.files.length : lists.peers.length}
              total={
                mode.pane === 'files' ? snapshot.files.length : snapshot.peers.length
              }
              width={layout.width}
              top={detailTop}
            />
          ) : layout.detailRows > 0 ? (
            <DetailLine text={detail ?? ''} width={layout.width} />
          ) : null}
          <Transfers
            running={transfers.running}
            width={layout.width}
            rows={layout.transferRows}
          />
          <LogPane entries={log} width={layout.width} height={layout.logHeight} />
        </>
      )}
      {mode.kind === 'prompt' ? (
        <Prompt
          prompt={mode.prompt}
          line={mode.line}
          error={mode.error}
          busy={mode.busy}
          progress={mode.busy ? addProgress(snapshot.log) : undefined}
          width={layout.width}
          top={1 + mainHeight}
        />
      ) : null}
      {mode.kind === 'confirm' ? (
        <ConfirmDialog ask={mode.ask} width={layout.width} />
      ) : null}
      {mode.kind === 'leave' ? (
        <LeaveDialog
          reason={
            transfers.running.length > 0
              ? `${transfers.running.length} transfer(s) running`
              : session.control?.keepRunning()
                ? 'keep running is on'
                : 'another UI is attached'
          }
          width={layout.width}
        />
      ) : null}
      {mode.kind === 'pick' ? (
        <SourcePicker
          name={mode.name}
          owners={mode.owners}
          index={mode.index}
          width={layout.width}
          height={layout.dialogHeight}
        />
      ) : null}
      <KeyBar
        context={context}
        width={layout.width}
        status={
          mode.kind === 'closing'
            ? 'closing: telling peers QUIT… (Ctrl-C again leaves at once)'
            : undefined
        }
      />
    </Box>
  );
}

function dialogHeightOf(mode: Mode, size: TerminalSize): number {
  switch (mode.kind) {
    case 'prompt':
      return PROMPT_HEIGHT;
    case 'confirm':
    case 'leave':
      return CONFIRM_HEIGHT;
    case 'pick':
      return Math.min(sourcePickerHeight(mode.owners.length), maxDialogHeight(size));
    default:
      return 0;
  }
}
