/**
 * statecap installs the npm way without the registry (issue 15): `npm pack` runs `prepare` (a clean
 * build), the tarball ships only what runs, and installed into an empty folder its `statecap`
 * prints its version and analyzes the quick-start capture.
 *
 * It installs the dependencies (from npm's cache when it has them) and takes a minute, so it runs
 * with `npm run test:pack` (which .ci/run calls), not in every `npm test`. The package is built in a copy of the sources, so
 * the dist/ other tests run stays untouched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';

const enabled = process.env.STATECAP_PACK_TEST === '1';
const dir = mkdtempSync(join(tmpdir(), 'statecap-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

describe.skipIf(!enabled)('npm pack', () => {
  it('packs a clean build of what runs, which installs and runs in an empty folder', () => {
    const src = join(dir, 'src');
    mkdirSync(src);
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md']) cpSync(join(ROOT, f), join(src, f));
    cpSync(join(ROOT, 'src'), join(src, 'src'), { recursive: true });
    // The build bundles the CLI with esbuild (scripts/bundle.mjs).
    mkdirSync(join(src, 'scripts'));
    cpSync(join(ROOT, 'scripts', 'bundle.mjs'), join(src, 'scripts', 'bundle.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
    // A stale file in dist/ must not ship: prepare starts from an empty dist/.
    mkdirSync(join(src, 'dist'));
    writeFileSync(join(src, 'dist', 'stale.js'), 'export {};\n');

    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], src)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['README.md', 'package.json']);
    expect(files.filter((f) => f.endsWith('.tsbuildinfo') || f === 'dist/stale.js' || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    npm(['install', '--prefer-offline', '--no-save', join(dir, packed[0].filename)], app);
    const bin = join(app, 'node_modules', '.bin', 'statecap');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
    const table = execFileSync(bin, ['analyze', '--wide', join(ROOT, 'fixtures', 'quickstart.pcap')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(table).toContain('TCP connections (3)');
    // One request per connection: nothing outlives an exchange (issue 11's rule), so the web server is stateless.
    expect(table).toMatch(/│ 127\.0\.0\.2:8080 +│ server │ stateless/);
  }, 240_000);
});
