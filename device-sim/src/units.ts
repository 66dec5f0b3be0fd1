/** Time constants. A year is the Julian year (365.25 days), the unit of "device-years". */
export const SECONDS_PER_MINUTE = 60;
export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY;
export const HOURS_PER_YEAR = SECONDS_PER_YEAR / SECONDS_PER_HOUR;
