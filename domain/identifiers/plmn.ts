/**
 * PLMN ids (MCC-MNC) and IMSIs (ITU-T E.212): an IMSI begins with its network's MCC (3 digits)
 * and MNC (2 or 3). The MNC's length is not in the IMSI; it is the country's: North America and
 * some others use 3 digits, most 2. Where a country uses both (India's 405, for one), the PLMN
 * itself says.
 */
const THREE_DIGIT_MNC = new Set(['302', '310', '311', '312', '313', '314', '315', '316', '334', '338', '342', '344', '346', '348', '354', '356', '358', '360', '365', '366', '376', '708', '722', '732', '750']);
const MIXED_MNC = new Set(['405']);

/** The MNC length the country of this MCC uses, or undefined where both are in use. */
export const mncLengthOf = (mcc: string): 2 | 3 | undefined => (MIXED_MNC.has(mcc) ? undefined : THREE_DIGIT_MNC.has(mcc) ? 3 : 2);

/** Whether a PLMN id (`262-01`, `310-410`) has an MNC of the length its country uses. */
export const plmnFitsItsCountry = (plmn: string) => {
  const [mcc, mnc] = plmn.split('-') as [string, string];
  const length = mncLengthOf(mcc);
  return length === undefined || mnc.length === length;
};

/** The PLMN (`262-91`) among these that an IMSI belongs to, if any. */
export const plmnOfImsi = (imsi: string, plmns: readonly string[]) => plmns.find((plmn) => plmnFitsItsCountry(plmn) && imsi.startsWith(plmn.replace('-', '')));

/** An IMSI's MCC-MNC as its country splits it (`310-410`, `262-91`), for messages: the rest of the IMSI is the subscriber's. */
export const imsiNetwork = (imsi: string) => `${imsi.slice(0, 3)}-${imsi.slice(3, 3 + (mncLengthOf(imsi.slice(0, 3)) ?? 2))}`;
