export {
  type BatchOptions,
  type DeliveryOptions,
  deliveryDocument,
  deviceToPskcKey,
  MAX_BATCH,
  makeBatch,
} from './batch.js';
export {
  capacityDerating,
  internalResistanceOhm,
  loadedVolts,
  openCircuitVolts,
  usableCapacityMah,
} from './battery.js';
export { CELL_NAMES, CELLS, type CellName, type CellSpec, cellSpec, DEFAULT_CELL } from './cells.js';
export {
  type CrystalParams,
  clockErrorSeconds,
  DEFAULT_AGEING_PPM,
  DEFAULT_TOLERANCE_PPM,
  frequencyErrorPpm,
  TEMPERATURE_COEFFICIENT,
  TURNOVER_C,
} from './crystal.js';
export { createDevice, type DeviceOptions, LIMITS } from './device.js';
export {
  aheadOfWallWords,
  bringDeviceToNow,
  type ClockSource,
  DEVICE_FILE_FORMAT,
  DEVICE_FILE_VERSION,
  type DeviceFile,
  deviceFromFile,
  deviceNow,
  deviceToFile,
  randomSecret,
  readDeviceFile,
  type SavedDevice,
  SECRET_NOTICE,
  secondsAheadOfWall,
  simulationCopy,
  writeDeviceFile,
} from './device-file.js';
export { describeDuration, MAX_DURATION_SECONDS, parseDuration } from './duration.js';
export {
  type DisplayState,
  type FirmwareConfig,
  type FirmwareState,
  freshState,
  type OtpMode,
  TokenFirmware,
} from './firmware.js';
export { type LifeOptions, type LifeResult, simulateLife } from './life.js';
export { lifeChart, lifeSvg } from './life-chart.js';
export { DEFAULT_DISPLAY_SECONDS, DEFAULT_LOADS, type LoadProfile } from './loads.js';
export {
  checkDeviceCanEmulate,
  formatOtpauthUri,
  OTPAUTH_ISSUER,
  type OtpauthKey,
  otpauthFromDevice,
  parseOtpauthUri,
} from './otpauth.js';
export { Xoshiro128 } from './prng.js';
export { type RunDeviceUiOptions, runDeviceUi } from './run-ui.js';
export { formatSerial, parseSerial } from './serial.js';
export { SECONDS_PER_DAY, SECONDS_PER_YEAR } from './units.js';
