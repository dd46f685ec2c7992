import { expect } from 'chai';
import { machineCpuMs, processCpuMs } from '../../../bench/lib/cpu.js';

describe('bench CPU counting: reading /proc', () => {
  it('takes utime + stime (fields 14 and 15) of /proc/<pid>/stat, in ms at 100 ticks a second', () => {
    const stat =
      '4242 (node) S 1 4242 4242 0 -1 4194304 9000 0 12 0 250 30 0 0 20 0 11 0 100 1000 200';
    expect(processCpuMs(stat)).to.equal(2_800);
  });

  it('counts fields from the last ")" so a command name holding ") " cannot shift them', () => {
    const stat = '77 (a) b (c) d) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 10 20';
    expect(processCpuMs(stat)).to.equal(100);
  });

  it('splits /proc/stat into busy (user, nice, system, irq, softirq) and total (busy + idle + iowait), steal and guest left out', () => {
    //            user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  600 100 200 900 100 50 50 400 300 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n';
    expect(machineCpuMs(stat)).to.deep.equal({ busy: 10_000, total: 20_000 });
  });
});
