/**
 * A tiny single-page app: imports wampkit by its package name, as an application would, and
 * exposes the browser test scenario to the page. Bundled by Vite, esbuild, rollup and webpack
 * with no configuration beyond entry and output (test-fixtures/bundlers/build.ts).
 */
import { CanceledError, connect } from 'wampkit';
import { scenario } from './scenario.js';

globalThis.wampkitApp = {
  run: (url, serializer) => scenario({ connect, CanceledError }, url, serializer),
  connect,
};
