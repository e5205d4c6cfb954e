// Generates the connect-es code for the interop protos into gen/ next to this script, with the
// buf CLI and protoc-gen-es that npm installed (nothing generated is committed):
//
//   node generate.js [--protos_dir=DIR]
//
// Both tools are looked up in the node_modules/.bin of this folder or an ancestor, so run it from
// the copy in interop/target/node/peers/connect-es (see ../README.md).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import common from '../common.cjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const USAGE = 'usage: node generate.js [--protos_dir=DIR]';
const flags = common.parseFlags(process.argv.slice(2), ['protos_dir'], USAGE);

function bin(name) {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '.bin', name);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`cannot find node_modules/.bin/${name} above ${here}: run npm ci first`);
    }
  }
}

const out = path.join(here, 'gen');
fs.rmSync(out, { recursive: true, force: true });
// buf takes the template inline, so every path in it is absolute whatever the working directory.
const template = {
  version: 'v2',
  plugins: [
    {
      local: bin('protoc-gen-es'),
      out,
      // ES modules for Node: plain JavaScript, relative imports ending in .js.
      opt: ['target=js', 'import_extension=js'],
    },
  ],
};
const protos = common.protosDir(flags);
const result = spawnSync(
  bin('buf'),
  ['generate', protos, '--template', JSON.stringify(template)],
  { stdio: 'inherit', cwd: here }
);
if (result.error) throw result.error;
if (result.status !== 0) {
  console.error(`buf generate exited ${result.status}`);
  process.exit(1);
}
const generated = path.join(out, 'grpc', 'testing', 'test_pb.js');
if (!fs.existsSync(generated)) {
  console.error(`buf generate did not write ${generated}`);
  process.exit(1);
}
console.log(`generated connect-es code for ${protos} in ${out}`);
