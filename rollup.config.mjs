// Browser bundles. The SDK: an IIFE for the script tag (minified) and an ESM build with types
// for npm. Nothing from zod or Node reaches the browser.
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

// noEmitOnError: a type error fails the build instead of becoming a warning.
const ts = (extra = {}) => typescript({ tsconfig: 'packages/sdk/tsconfig.json', noEmitOnError: true, ...extra });

export default [
  {
    input: 'packages/sdk/src/script-tag.ts',
    output: { file: 'packages/sdk/dist/palisade.js', format: 'iife', sourcemap: false },
    plugins: [
      resolve({ browser: true }),
      ts({ declaration: false, outDir: 'packages/sdk/dist' }),
      terser({ ecma: 2020, module: false, compress: { passes: 2 }, format: { comments: false } }),
    ],
  },
  {
    input: 'packages/sdk/src/index.ts',
    output: { dir: 'packages/sdk/dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'packages/sdk/src' },
    plugins: [ts({ declaration: true, declarationDir: 'packages/sdk/dist/esm', outDir: 'packages/sdk/dist/esm' })],
  },
];
