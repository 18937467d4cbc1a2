// A TypeScript entry point run as a process of its own, as an operator or a deployment runs it:
// node with tsx as a loader (what `npx tsx` runs, without the tsx CLI's wrapper process), so the
// exit code and the output are the script's own. Resolves with both once it has exited.
import { spawn } from 'node:child_process';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, o: { args?: string[]; cwd: string; env: NodeJS.ProcessEnv }): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...(o.args ?? [])], {
      cwd: o.cwd,
      env: o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
