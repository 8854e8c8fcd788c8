// Chinese phone numbers as the secretariat writes them: mobiles as 11 digits, landlines as
// `区号-号码` (`(0851) 8557 1487` → `0851-85571487`), an extension as `转123`.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { toHalfWidth } from './normalize.ts';

export type PhoneResult =
  | { ok: true; value: string; type: 'mobile' | 'landline' | 'other' }
  | {
      ok: false;
      reason: 'phone_mobile_digits' | 'phone_mobile_invalid' | 'phone_area_code' | 'phone_invalid';
      digits: number;
    };

const EXTENSION = /(?<!\s)\s*(?:转|分机|ext\.?|x)\s*(\d{1,6})\s*$/i;

export function normalizePhone(raw: string): PhoneResult {
  let text = toHalfWidth(raw)
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[—–－]/g, '-')
    .trim();
  // "0851-85523344-806": an extension after a full landline written with a second hyphen.
  const hyphenExt = /^(\(?0\d{2,3}\)?[\s-]?\d{7,8})-(\d{1,5})$/.exec(text);
  const ext = EXTENSION.exec(text)?.[1] ?? hyphenExt?.[2];
  if (hyphenExt) text = hyphenExt[1]!;
  else if (ext) text = text.replace(EXTENSION, '');
  const digits = text.replace(/\D/g, '');
  const national = digits.replace(/^(0086|86)(?=1\d{10}$|0?[2-9]\d{8,10}$)/, '');
  const phone = parsePhoneNumberFromString(text, 'CN');
  if (phone?.isValid() && (phone.countryCallingCode === '86' || !text.startsWith('+'))) {
    const type = phone.getType();
    const suffix = ext ? `转${ext}` : '';
    if (type === 'MOBILE') return { ok: true, value: phone.nationalNumber, type: 'mobile' };
    if (type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE') {
      // The national format groups the area code first ("0851 8557 1487"): keep it, join the rest.
      const [area, ...rest] = phone.formatNational().split(' ');
      return { ok: true, value: `${area}-${rest.join('')}${suffix}`, type: 'landline' };
    }
    return { ok: true, value: phone.formatNational().replace(/\s+/g, '-') + suffix, type: 'other' };
  }
  if (phone?.isValid()) return { ok: true, value: phone.formatInternational(), type: 'other' };
  // Eleven digits from 1 but no mobile range ("12345678901"): the length is not what is wrong.
  if (/^1\d{10}$/.test(national)) return { ok: false, reason: 'phone_mobile_invalid', digits: national.length };
  if (/^1\d*$/.test(national)) return { ok: false, reason: 'phone_mobile_digits', digits: national.length };
  if (/^[2-9]\d{6,7}$/.test(national)) return { ok: false, reason: 'phone_area_code', digits: national.length };
  return { ok: false, reason: 'phone_invalid', digits: national.length };
}
