import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { envBool, envInt, envList, envLogLevel, envPort } from './env-types.js';
import { ConfigError, parseConfig } from './parse-config.js';

const schema = z.object({
  PORT: envPort(3000),
  WORKERS: envInt(4, 1),
  DEBUG: envBool(false),
  BROKERS: envList('127.0.0.1:9092'),
  LOG_LEVEL: envLogLevel,
});

/** Parses `env` and returns the ConfigError, failing the test when there is none. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(schema, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('applies the defaults and returns a frozen object without unrelated variables', () => {
    const config = parseConfig(schema, { PATH: '/usr/bin', HOME: '/root' });

    assert.deepEqual(config, {
      PORT: 3000,
      WORKERS: 4,
      DEBUG: false,
      BROKERS: ['127.0.0.1:9092'],
      LOG_LEVEL: 'info',
    });
    assert.equal(Object.isFrozen(config), true);
    assert.throws(() => {
      (config as { PORT: number }).PORT = 1;
    }, TypeError);
    assert.equal(config.PORT, 3000);
  });

  it('coerces the values that are set', () => {
    const config = parseConfig(schema, {
      PORT: '8080',
      WORKERS: '16',
      DEBUG: '1',
      BROKERS: 'a:1,b:2',
      LOG_LEVEL: 'warn',
    });
    assert.deepEqual(config, {
      PORT: 8080,
      WORKERS: 16,
      DEBUG: true,
      BROKERS: ['a:1', 'b:2'],
      LOG_LEVEL: 'warn',
    });
  });

  it('throws a ConfigError whose message names the bad variable', () => {
    const err = configError({ WORKERS: 'many' });
    assert.equal(err.name, 'ConfigError');
    assert.equal(err.problems.length, 1);
    assert.match(err.problems[0] ?? '', /^WORKERS: /);
    assert.match(err.message, /^invalid configuration:\n {2}WORKERS: /);
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: '70000', DEBUG: 'yes', LOG_LEVEL: 'loud' });
    assert.deepEqual(err.problems.map((p) => p.split(':')[0]).sort(), ['DEBUG', 'LOG_LEVEL', 'PORT']);
    for (const name of ['PORT', 'DEBUG', 'LOG_LEVEL'])
      assert.match(err.message, new RegExp(`\\n {2}${name}: `));
  });
});

describe('env helpers', () => {
  it('envInt: coerces integers, enforces the minimum, rejects non-integers', () => {
    const cases: [string, number][] = [
      ['1', 1],
      ['250', 250],
      [' 7 ', 7],
    ];
    for (const [raw, expected] of cases) {
      assert.equal(parseConfig(schema, { WORKERS: raw }).WORKERS, expected, JSON.stringify(raw));
    }
    for (const bad of ['0', '-3', '1.5', 'abc']) {
      assert.match(configError({ WORKERS: bad }).message, /WORKERS: /, JSON.stringify(bad));
    }
  });

  it('envPort: accepts 0..65535 only', () => {
    assert.equal(parseConfig(schema, { PORT: '65535' }).PORT, 65535);
    assert.equal(parseConfig(schema, { PORT: '0' }).PORT, 0);
    for (const bad of ['65536', '-1', '80.5', 'http']) {
      assert.match(configError({ PORT: bad }).message, /PORT: /, JSON.stringify(bad));
    }
  });

  it('envBool: true/1 and false/0, the fallback when unset, anything else names the variable', () => {
    const cases: [string | undefined, boolean][] = [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
      [undefined, false],
    ];
    for (const [raw, expected] of cases) {
      assert.equal(parseConfig(schema, { DEBUG: raw }).DEBUG, expected, String(raw));
    }
    assert.equal(parseConfig(z.object({ ON: envBool(true) }), {}).ON, true);
    for (const bad of ['yes', 'TRUE', '']) {
      assert.match(configError({ DEBUG: bad }).message, /DEBUG: /, JSON.stringify(bad));
    }
  });

  it('envList: splits on commas, trims, drops empty items, and needs at least one item', () => {
    const cases: [string, string[]][] = [
      ['a:1', ['a:1']],
      [' a:1 , b:2 ,, c:3,', ['a:1', 'b:2', 'c:3']],
    ];
    for (const [raw, expected] of cases) {
      assert.deepEqual(parseConfig(schema, { BROKERS: raw }).BROKERS, expected, JSON.stringify(raw));
    }
    for (const bad of ['', ' , ,']) {
      assert.match(configError({ BROKERS: bad }).message, /BROKERS: /, JSON.stringify(bad));
    }
  });
});
