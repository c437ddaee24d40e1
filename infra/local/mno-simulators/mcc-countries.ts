/**
 * The country a PLMN's MCC (its first three digits) stands for, for the common MCCs a simulated
 * anomaly is likely to name (ISO 3166 alpha-2). 901 (international networks: satellite, maritime,
 * in-flight) and any MCC not listed have none: an anomaly on such a PLMN must name its country.
 */
const BY_MCC: Record<string, string> = {
  '202': 'GR', '204': 'NL', '206': 'BE', '208': 'FR', '214': 'ES', '216': 'HU', '222': 'IT', '226': 'RO',
  '228': 'CH', '230': 'CZ', '232': 'AT', '234': 'GB', '235': 'GB', '238': 'DK', '240': 'SE', '242': 'NO',
  '244': 'FI', '250': 'RU', '255': 'UA', '260': 'PL', '262': 'DE', '268': 'PT', '272': 'IE', '286': 'TR',
  '302': 'CA', '310': 'US', '311': 'US', '312': 'US', '313': 'US', '314': 'US', '315': 'US', '316': 'US',
  '334': 'MX', '404': 'IN', '405': 'IN', '424': 'AE', '440': 'JP', '441': 'JP', '450': 'KR', '454': 'HK',
  '460': 'CN', '466': 'TW', '505': 'AU', '510': 'ID', '520': 'TH', '525': 'SG', '530': 'NZ', '602': 'EG',
  '655': 'ZA', '724': 'BR', '722': 'AR',
};

/** The country of a PLMN id (`MCC-MNC`), or undefined when its MCC names none or is not listed. */
export const countryOfPlmn = (plmn: string): string | undefined => BY_MCC[plmn.slice(0, 3)];
