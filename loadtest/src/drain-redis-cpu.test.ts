import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redisCpuSeconds } from './drain-redis-cpu.js';

test('adds the server’s user and system seconds and leaves its children out', () => {
  const info = [
    '# CPU',
    'used_cpu_sys:1.250000',
    'used_cpu_user:2.500000',
    'used_cpu_sys_children:9.000000',
    'used_cpu_user_children:9.000000',
    'used_cpu_sys_main_thread:1.000000',
    'used_cpu_user_main_thread:2.000000',
    '',
  ].join('\r\n');
  assert.equal(redisCpuSeconds(info), 3.75);
});

test('a reply without the fields is an error, not 0', () => {
  assert.throws(() => redisCpuSeconds('# CPU\r\n'), /used_cpu_sys/);
});
