/** The app's events as headless output lines: log lines always, the rest as JSON. */
import type {AppEvent} from '../app/session.js';
import {describeTransfer, type HeadlessOutput} from './output.js';
import {ProgressThrottle} from './progress-throttle.js';

export type EventPrinterOptions = {
  json: boolean;
  verbose: boolean;
  throttle?: ProgressThrottle;
};

export function printEvents(
  output: HeadlessOutput,
  {json, verbose, throttle = new ProgressThrottle()}: EventPrinterOptions,
): (event: AppEvent) => void {
  return (event) => {
    switch (event.event) {
      case 'log': {
        const {event: _name, source: _source, ...entry} = event;
        if (entry.level !== 'debug' || verbose) output.log(entry);
        return;
      }
      case 'peer-added':
      case 'peer-removed':
      case 'file-added':
      case 'file-removed':
      case 'search-result':
      case 'search-updated':
        if (json) output.record(event, undefined);
        return;
      case 'transfer-progress':
        if (!json && !throttle.admit(event.transfer.id)) return;
        output.record(event, `progress ${describeTransfer(event.transfer)}`);
        return;
      case 'transfer-done':
      case 'transfer-failed':
        throttle.forget(event.transfer.id);
        output.record(event, undefined);
        return;
      case 'transfer-start':
        output.record(event, undefined);
        return;
      default:
        // listening, search-started, closed: said by log lines already.
        return;
    }
  };
}
