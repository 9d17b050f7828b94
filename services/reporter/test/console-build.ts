import { join } from 'node:path';
import { findPackageRoot } from '@evh/paths';
import { build } from 'esbuild';

/** The console's TypeScript project, services/reporter/console. */
const root = join(findPackageRoot(import.meta.url), 'console');

/**
 * The console's bundle as esbuild makes it from services/reporter/console/src: app.js and
 * app.css, minified, for browsers of the last few years. The result is committed in
 * src/web/console/ and served from there (ADR 0014); the bundle test compares the two.
 */
export async function buildConsole(): Promise<{ js: string; css: string }> {
  const result = await build({
    entryPoints: [join(root, 'src', 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: 'app',
    outdir: 'out',
    write: false,
    charset: 'utf8',
    // The libraries' licence comments, gathered at the end of each file.
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const text = (ext: string) => {
    const file = result.outputFiles.find((o) => o.path.endsWith(`app.${ext}`));
    if (!file) throw new Error(`esbuild wrote no app.${ext}`);
    return file.text;
  };
  return { js: text('js'), css: text('css') };
}
