// horizon doctor: `./pnpmw doctor --router 10.90.254.1 --dns 10.90.3.200 --issuer https://id.example.com`.
// The only place that reads process.env and decides the exit code.
import { doctor } from './doctor.ts';

process.exitCode = await doctor(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch,
});
