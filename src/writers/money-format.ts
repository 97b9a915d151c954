/**
 * Signs Close's app writes before an amount (`$500`, `€1,200`); other currencies are written
 * with their ISO code and a space (`CHF 1,000`).
 */
const CURRENCY_SIGNS: Readonly<Record<string, string>> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CNY: 'CN¥',
  INR: '₹',
  CAD: 'CA$',
  AUD: 'A$',
  NZD: 'NZ$',
  MXN: 'MX$',
  BRL: 'R$',
  ILS: '₪',
  KRW: '₩',
};

/**
 * SQL for Close's `value_formatted` of an amount in cents: the currency's sign, thousands
 * separated by commas, and cents only when there are any (`50000` USD → `$500`, `123456` →
 * `$1,234.56`, `-5000` → `-$50`). NULL when the amount is. Locale-independent: the pattern's
 * `,` and `.` are literal separators, not the server's locale.
 */
export function moneyFormattedSql(cents: string, currency: string): string {
  const signs = Object.entries(CURRENCY_SIGNS)
    .map(([code, sign]) => `WHEN '${code}' THEN '${sign}'`)
    .join(' ');
  const sign = `CASE ${currency} ${signs} ELSE ${currency} || ' ' END`;
  const whole = `to_char(abs(${cents}) / 100, 'FM999,999,999,999,999,990')`;
  const withCents = `to_char(abs(${cents}) / 100.0, 'FM999,999,999,999,999,990.00')`;
  const amount = `CASE WHEN ${cents} % 100 = 0 THEN ${whole} ELSE ${withCents} END`;
  return `CASE WHEN ${cents} IS NULL THEN NULL ELSE CASE WHEN ${cents} < 0 THEN '-' ELSE '' END || ${sign} || ${amount} END`;
}
