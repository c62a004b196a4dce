// Transpiles each programme plugin a plugin folder holds (`<id>.wasm` with its `<id>.toml`)
// for the browser, into `<folder>/browser/<id>/<sha256>/`:
//   plugin.js          the component's glue: lifts and lowers the interface's types
//   plugin.core*.wasm  the component's core modules, byte for byte what wasmtime runs
// The server serves them at /plugins/<id>/<sha256>/<file> while that build is loaded.
// No wasm-opt pass: the page runs the very code the server runs, not an optimised copy.
//
// Usage: node transpile.mjs <plugin folder>
import { transpile } from '@bytecodealliance/jco-transpile';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node transpile.mjs <plugin folder>');
  process.exit(2);
}
const out = join(dir, 'browser');
await mkdir(out, { recursive: true });

const ids = (await readdir(dir)).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5));
for (const id of ids) {
  const wasm = await readFile(join(dir, `${id}.wasm`));
  const sha = createHash('sha256').update(wasm).digest('hex');
  const target = join(out, id, sha);
  const done = join(target, 'plugin.js');
  if (await readFile(done).then(() => true, () => false)) continue;
  const { files } = await transpile(join(dir, `${id}.wasm`), {
    name: 'plugin',
    instantiation: 'async',
    minify: true,
    optimize: false,
    emitTypescriptDeclarations: false,
    nodejsCompat: false,
    wasiShim: false,
    base64Cutoff: 0,
  });
  // Written beside, then renamed: a server never sees half a build.
  const tmp = join(out, id, `.${sha}.tmp`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(tmp, name), bytes);
  // Older builds of this plugin go: the server serves only the loaded one.
  for (const old of await readdir(join(out, id))) {
    if (old !== `.${sha}.tmp`) await rm(join(out, id, old), { recursive: true, force: true });
  }
  await rename(tmp, target);
}
// Plugins no longer in the folder go too.
for (const id of await readdir(out)) {
  if (!ids.includes(id)) await rm(join(out, id), { recursive: true, force: true });
}
