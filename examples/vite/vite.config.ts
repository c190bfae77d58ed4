import { defineConfig } from 'vite';

// Nothing wampkit needs: no Node polyfills, no plugins. ES2022 keeps async iterators native.
export default defineConfig({
  build: { target: 'es2022' },
});
