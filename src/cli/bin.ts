import { BROKEN_PIPE_STATUS, isBrokenPipe } from '../platform/streams.js';
import { main } from './main.js';

// A reader that goes away (`agent-vault scan . | head -1`) closes our stdout: end quietly
// with the status a process killed by SIGPIPE has, as the tools people pipe into expect,
// instead of an EPIPE stack trace. Node ignores SIGPIPE, so the error arrives here.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(BROKEN_PIPE_STATUS);
    throw error;
  });
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
