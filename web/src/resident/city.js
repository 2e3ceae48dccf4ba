// The city whose public pages a visitor sees: their own once signed in, else the city
// this deployment serves first (the demo city, Daqing).
import { account } from '../shared/auth.js'

export const DEFAULT_CITY = 230600

/** The city code for public lists (listings, content, publicity). */
export function currentCity() {
  return account.value?.city_id || DEFAULT_CITY
}
