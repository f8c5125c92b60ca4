// Builds the staff app into dist/ (or the directory given as the first
// argument): one JavaScript bundle, one style sheet (KERN UX and its fonts),
// the page, and the gzip form of each of the three beside it (name.gz).
// Prints the sizes, raw and gzip-compressed.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = new URL('.', import.meta.url).pathname;
const out = process.argv[2] || join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  absWorkingDir: here,
  entryPoints: ['src/app.js', 'src/app.css'],
  outdir: out,
  entryNames: '[name]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  loader: { '.woff2': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
// Beside each text file its gzip form, which the gateway sends to clients that take it.
for (const name of ['index.html', 'app.js', 'app.css']) {
  writeFileSync(join(out, `${name}.gz`), gzipSync(readFileSync(join(out, name)), { level: 9 }));
}

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
let codeGzip = 0;
for (const path of files(out).filter((name) => !name.endsWith('.gz'))) {
  const bytes = readFileSync(path);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  if (/\.(js|css)$/.test(path)) codeGzip += gzip;
  console.log(`${relative(out, path).padEnd(36)} ${String(bytes.length).padStart(8)} B  gzip ${String(gzip).padStart(7)} B`);
}
console.log(`JavaScript + CSS, gzip: ${(codeGzip / 1024).toFixed(1)} KiB (limit 300 KiB)`);
