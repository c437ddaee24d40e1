import { describe, expect, it } from 'vitest';
import { MAX_CDR_BYTES, MAX_CDR_LINES, readCdr } from '../../adapters/signals/cdr-format.ts';
import { writeCdr } from '../../adapters/signals/cdr-write.ts';
import { signalOfPush, type PushRecord } from '../../adapters/signals/push-format.ts';
import { Signal } from '../../domain/signals/signals.ts';
import { iccid, imei } from '../support/ids.ts';

/** The CDR file format (adapters/signals/cdr-format.ts): CSV lines to signals, bad lines named, bad files refused. */
const at = '2026-03-01T10:00:00.000Z';
const HEADER = 'record_type,iccid,timestamp,event,imei,serving_plmn,country,rat,bytes_uplink,bytes_downlink,direction,other_party,destination_ip,destination_port,protocol,octets';

describe('reading a CDR file', () => {
  it('reads good lines as signals and refuses bad ones by line number, naming columns, never values', () => {
    const text = [
      HEADER,
      `session,${iccid(1)},${at},attach,${imei(1)},262-01,DE,4G,,,,,,,,`,
      `session,${iccid(2)},${at},attach,1234567890,262-01,DE,4G,,,,,,,,`, // not an IMEI (too short)
      `teleport,${iccid(3)},${at},,,,,,,,,,,,,`,
      `usage,${iccid(4)},${at},,,,,,100,,,,,,,`, // no bytes_downlink
      `"sms",${iccid(5)},${at},,,,,,,,MT,"+4915112345678",,,,`,
      '',
      `flow,${iccid(6)},${at},,,,,,,,,,"10.0.0.1",443,6,"1,200"`, // a comma inside a quoted field: not a count
      `flow,${iccid(7)},${at},,,,,,,,,,10.0.0.2,,udp,512`,
      `usage,${iccid(8)},2026-03-01T11:00:00+01:00,,,,,,1,2,,,,,,`,
    ].join('\r\n');
    const read = readCdr(text);
    expect(read.fatal).toBeUndefined();
    expect(read.signals).toEqual([
      { kind: 'session', iccid: iccid(1), event: 'attach', imei: imei(1), plmn: '262-01', country: 'DE', rat: '4G', at },
      { kind: 'sms', iccid: iccid(5), direction: 'mt', party: '+4915112345678', at },
      { kind: 'flow', iccid: iccid(7), destination: '10.0.0.2', protocol: 'udp', bytes: 512, at },
      { kind: 'usage', iccid: iccid(8), bytes: 3, at },
    ]);
    expect(read.refused).toEqual([
      { line: 3, error: 'imei: an IMEI is 15 digits (or an IMEISV 16)' },
      { line: 4, error: 'record_type: one of session, usage, sms, flow' },
      { line: 5, error: 'bytes_downlink: a value is required' },
      { line: 8, error: 'octets: a non-negative integer' },
    ]);
    for (const r of read.refused) expect(r.error).not.toMatch(/\d{6,}|teleport|1,200/);
  });

  it('takes LF line ends, columns in any order and of any case, unknown ones, a BOM, and quoted fields with quotes, commas and line breaks', () => {
    const text = `\uFEFFOther, Iccid ,record_type,timestamp,destination_ip,protocol,octets,destination_port\n"a ""quoted"", multi\nline value",${iccid(1)},flow,${at},2001:db8::1,TCP,10,8883\nx,${iccid(2)},usage,${at},,,,\n`;
    const read = readCdr(text);
    expect(read.signals).toEqual([{ kind: 'flow', iccid: iccid(1), destination: '2001:db8::1', port: 8883, protocol: 'tcp', bytes: 10, at }]);
    // The usage line is on line 4 (the quoted field spans lines 2–3); its columns are not in this header.
    expect(read.refused).toEqual([{ line: 4, error: 'bytes_uplink: no such column in the header; bytes_downlink: no such column in the header' }]);
  });

  it('refuses malformed lines and goes on', () => {
    const text = [
      'record_type,iccid,timestamp,bytes_uplink,bytes_downlink',
      `usage,${iccid(1)},${at},1,1,extra`,
      `usage,${iccid(2)},${at},1"0,1`,
      `usage,${iccid(3)},${at},"1"x,1`,
      `usage,${iccid(4)},not-a-time,1,1`,
      `usage,${iccid(5)},${at},1,1`,
      `usage,${iccid(6)},${at},"1,1`,
      `usage,${iccid(7)},${at},1,1`,
    ].join('\n');
    const read = readCdr(text);
    expect(read.signals.map((s) => s.iccid)).toEqual([iccid(5)]);
    expect(read.refused).toEqual([
      { line: 2, error: '6 fields where the header has 5' },
      { line: 3, error: 'a quote inside an unquoted field' },
      { line: 4, error: 'text after the closing quote of a quoted field' },
      { line: 5, error: expect.stringMatching(/^timestamp: /) },
      { line: 7, error: 'a quoted field is not closed (it runs to the end of the file)' },
    ]);
  });

  it('refuses a file whose header lacks a required column, naming it', () => {
    expect(readCdr(`record_type,timestamp,bytes_uplink,bytes_downlink\r\nusage,${at},1,1\r\n`)).toEqual({ signals: [], refused: [], fatal: 'the header lacks the column iccid' });
    expect(readCdr('bytes_uplink\n1\n').fatal).toBe('the header lacks the columns record_type, iccid, timestamp');
    expect(readCdr('record_type,iccid,timestamp,iccid\n').fatal).toBe('the header names iccid more than once');
    expect(readCdr('').fatal).toBe('the file is empty: no header line');
    expect(readCdr('\n\n').fatal).toBe('the file is empty: no header line');
    expect(readCdr('record_type,"iccid\n').fatal).toMatch(/^the header \(line 1\) is malformed/);
  });

  it('refuses a file over its bounds whole', () => {
    const tooLong = `record_type,iccid,timestamp\n${'\n'.repeat(MAX_CDR_LINES)}`;
    expect(readCdr(tooLong).fatal).toBe('the file has 200001 lines, more than the 200000 a CDR file may have; split it');
    expect(readCdr(`record_type,iccid,timestamp\n${'\n'.repeat(MAX_CDR_LINES - 1)}`)).toEqual({ signals: [], refused: [] });
    const tooBig = `record_type,iccid,timestamp\n${'x'.repeat(MAX_CDR_BYTES)}`;
    expect(readCdr(tooBig).fatal).toMatch(/larger than 50 MB/);
    // Multi-byte characters count as their UTF-8 bytes.
    expect(readCdr(`record_type,iccid,timestamp\n${'é'.repeat(MAX_CDR_BYTES / 2)}`).fatal).toMatch(/larger than 50 MB/);
  });

  it('a header only is a file of no records', () => {
    expect(readCdr(`${HEADER}\r\n`)).toEqual({ signals: [], refused: [] });
  });
});

describe('writing a CDR file', () => {
  const records: PushRecord[] = [
    { type: 'session', iccid: iccid(1), event: 'attach', imei: imei(1), servingPlmn: '262-01', country: 'DE', rat: '5G', timestamp: at },
    { type: 'session', iccid: iccid(2), event: 'detach', servingPlmn: '310-410', country: 'US', timestamp: at },
    { type: 'usage', iccid: iccid(3), bytesUplink: 1_000, bytesDownlink: 4_000, timestamp: at },
    { type: 'sms', iccid: iccid(4), direction: 'MO', otherParty: '+447700900123', timestamp: at },
    { type: 'sms', iccid: iccid(4), direction: 'MT', otherParty: '+447700900124', timestamp: at },
    { type: 'flow', iccid: iccid(5), destinationIPAddress: '192.0.2.7', destinationTransportPort: 443, protocolIdentifier: 6, octetDeltaCount: 1_234, flowEndMilliseconds: at },
    { type: 'flow', iccid: iccid(5), destinationIPAddress: '2001:db8::2', protocolIdentifier: 17, octetDeltaCount: 0, flowEndMilliseconds: at },
    { type: 'flow', iccid: iccid(5), destinationIPAddress: '192.0.2.8', protocolIdentifier: 1, octetDeltaCount: 64, flowEndMilliseconds: at },
  ];

  it('round-trips every record type to the signals a push of them makes', () => {
    const text = writeCdr(records);
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(records.length + 2);
    expect(readCdr(text)).toEqual({ signals: records.map((r) => Signal.parse(signalOfPush(r))), refused: [] });
  });

  it('quotes what needs quoting', () => {
    const odd: PushRecord = { type: 'session', iccid: iccid(1), event: 'attach', servingPlmn: '262-01', country: 'D,"E"', timestamp: at };
    const text = writeCdr([odd]);
    expect(text.split('\r\n')[1]).toContain('"D,""E"""');
    expect(readCdr(text).refused).toEqual([{ line: 2, error: 'country: a country is an ISO 3166 alpha-2 code, e.g. DE' }]);
  });

  it('writes a header only for no records', () => {
    expect(writeCdr([])).toBe(`${HEADER}\r\n`);
  });
});

describe('a CDR file’s signature', () => {
  it('holds for its MNO’s key, its own name and its own bytes only', async () => {
    const { signCdr, verifyCdr } = await import('../../adapters/signals/cdr-signature.ts');
    const text = 'record_type,iccid,timestamp\n';
    const signature = signCdr('key', 'north/a.csv', text);
    expect(verifyCdr('key', 'north/a.csv', text, signature)).toBe(true);
    expect(verifyCdr('other', 'north/a.csv', text, signature)).toBe(false);
    expect(verifyCdr('key', 'north/b.csv', text, signature)).toBe(false);
    expect(verifyCdr('key', 'north/a.csv', text + ' ', signature)).toBe(false);
    expect(verifyCdr('key', 'north/a.csv', text, undefined)).toBe(false);
    expect(verifyCdr('key', 'north/a.csv', text, 'not-hex')).toBe(false);
  });
});
