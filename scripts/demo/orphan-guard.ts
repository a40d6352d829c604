// Loaded into each service the demo starts (`node --import`). The demo holds the write end of the
// service's stdin: when the demo ends, however it ends (SIGKILL included), the kernel closes that
// pipe, and the service shuts down as on SIGTERM instead of living on, holding the demo's ports.
const stop = () => process.kill(process.pid, 'SIGTERM');
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.resume();
// Stdin alone must not keep the service alive once it has closed everything else.
process.stdin.unref();
