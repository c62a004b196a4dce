// The WASI 0.2 imports a programme plugin links, granting nothing, as the server's
// host does: no environment, arguments, files, network, clocks or randomness (the
// components import none of those); stdin is empty, stdout is dropped and stderr is
// kept, since a Rust panic writes its message there. One set per call.

class IoError {
  constructor(message) { this.message = message; }
  toDebugString() { return this.message; }
}

class Pollable {
  ready() { return true; }
  block() {}
}

class InputStream {
  read() { throw { tag: "closed" }; }
  blockingRead() { throw { tag: "closed" }; }
  skip() { throw { tag: "closed" }; }
  blockingSkip() { throw { tag: "closed" }; }
  subscribe() { return new Pollable(); }
}

const LIMIT = 4096;

class OutputStream {
  constructor(keep) { this.keep = keep; this.bytes = []; }
  checkWrite() { return 1n << 20n; }
  write(bytes) {
    if (this.keep && this.bytes.length < LIMIT) this.bytes.push(...bytes.slice(0, LIMIT - this.bytes.length));
  }
  blockingWriteAndFlush(bytes) { this.write(bytes); }
  flush() {}
  blockingFlush() {}
  writeZeroes(n) { this.write(new Uint8Array(Number(n))); }
  blockingWriteZeroesAndFlush(n) { this.writeZeroes(n); }
  subscribe() { return new Pollable(); }
  text() { return new TextDecoder().decode(new Uint8Array(this.bytes)); }
}

class TerminalInput {}
class TerminalOutput {}

/** The WASI imports of one call, and what the guest wrote to stderr. */
export function wasi() {
  const stdin = new InputStream();
  const stdout = new OutputStream(false);
  const stderr = new OutputStream(true);
  const imports = {
    "wasi:cli/environment": {
      getEnvironment: () => [],
      getArguments: () => [],
      initialCwd: () => undefined,
    },
    "wasi:cli/exit": {
      exit: (status) => { throw new Error(`the plugin exited (${status.tag})`); },
    },
    "wasi:cli/stdin": { getStdin: () => stdin },
    "wasi:cli/stdout": { getStdout: () => stdout },
    "wasi:cli/stderr": { getStderr: () => stderr },
    "wasi:cli/terminal-input": { TerminalInput },
    "wasi:cli/terminal-output": { TerminalOutput },
    "wasi:cli/terminal-stdin": { getTerminalStdin: () => undefined },
    "wasi:cli/terminal-stdout": { getTerminalStdout: () => undefined },
    "wasi:cli/terminal-stderr": { getTerminalStderr: () => undefined },
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": { Pollable, poll: (list) => new Uint32Array(list.map((_, i) => i)) },
    "wasi:io/streams": { InputStream, OutputStream },
  };
  return { imports, stderr: () => stderr.text() };
}
