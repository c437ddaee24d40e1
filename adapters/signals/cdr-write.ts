import type { PushRecord } from './push-format.ts';
import { CDR_COLUMNS, NAME_OF_PROTOCOL, type CdrColumn } from './cdr-format.ts';

const cell = (v: string | number | undefined) => {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const rowOfPush = (r: PushRecord): Partial<Record<CdrColumn, string | number>> => {
  switch (r.type) {
    case 'session':
      return { record_type: 'session', iccid: r.iccid, timestamp: r.timestamp, event: r.event, imei: r.imei, serving_plmn: r.servingPlmn, country: r.country, rat: r.rat };
    case 'usage':
      return { record_type: 'usage', iccid: r.iccid, timestamp: r.timestamp, bytes_uplink: r.bytesUplink, bytes_downlink: r.bytesDownlink };
    case 'sms':
      return { record_type: 'sms', iccid: r.iccid, timestamp: r.timestamp, direction: r.direction, other_party: r.otherParty };
    case 'flow':
      return {
        record_type: 'flow',
        iccid: r.iccid,
        timestamp: r.flowEndMilliseconds,
        destination_ip: r.destinationIPAddress,
        destination_port: r.destinationTransportPort,
        protocol: NAME_OF_PROTOCOL[r.protocolIdentifier],
        octets: r.octetDeltaCount,
      };
  }
};

/** Records as a CDR file (all columns, CRLF line ends, a final CRLF): the simulated MNOs' side, and tests. */
export const writeCdr = (records: readonly PushRecord[]): string => {
  const lines = [CDR_COLUMNS.join(',')];
  for (const record of records) {
    const row = rowOfPush(record);
    lines.push(CDR_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
};
