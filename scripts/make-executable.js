// tsc writes dist/cli.js without its run bit; `npx filer-tui` needs it.
import {chmodSync} from 'node:fs';

chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
