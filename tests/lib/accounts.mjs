// accounts.mjs — residents and staff for API and browser tests, created through the
// public API the way people do it (SMS code from the simulator, real-name check).
import { idNumber } from './sim.mjs';

let phoneSeq = 0;
// A fresh mobile number per call, unique across test files run at the same time.
export function newPhone() {
  phoneSeq += 1;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

let clientSeq = 0;
// A session: remembers cookies or a bearer token and sends the CSRF header. Each session
// is its own client address (X-Forwarded-For, trusted from loopback by the harness), as
// real people behind the load balancer are.
export function session(srv, { bearer, ip } = {}) {
  clientSeq += 1;
  const address = ip ?? `10.${(process.pid >> 8) & 255}.${process.pid & 255}.${clientSeq % 250 + 1}`;
  const jar = new Map();
  let csrf = null;
  let token = bearer ?? null;
  async function request(method, path, opts = {}) {
    const headers = { 'x-forwarded-for': address, ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf && method !== 'GET' && !opts.noCsrf) headers['x-csrf-token'] = csrf;
    const r = await srv.request(method, path, { ...opts, headers });
    for (const c of r.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/Max-Age=0/.test(c)) jar.delete(name); else jar.set(name, value);
    }
    if (r.json?.csrf_token) csrf = r.json.csrf_token;
    if (r.json?.token) token = r.json.token;
    return r;
  }
  return { request, jar, address, get csrf() { return csrf; }, get token() { return token; } };
}

// codeFor — the newest code the simulator delivered to phone.
export async function codeFor(sim, phone) {
  const msgs = await sim.messages(phone);
  const m = msgs[0]?.text.match(/验证码是(\d{6})/);
  if (!m) throw new Error(`no code for ${phone}: ${JSON.stringify(msgs)}`);
  return m[1];
}

// registerResident — a new resident account (city Daqing unless given), logged in.
export async function registerResident(srv, sim, { phone = newPhone(), password = 'Passw0rd-gzf', city = 230600, mode } = {}) {
  const s = session(srv);
  const c = await s.request('POST', '/api/v1/auth/sms-codes', { json: { phone, purpose: 'register' } });
  if (c.status !== 202) throw new Error(`sms-codes: ${c.status} ${c.text}`);
  const code = await codeFor(sim, phone);
  const r = await s.request('POST', '/api/v1/auth/register', { json: { phone, code, password, city_code: city, session: mode } });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
  return { s, phone, password, id: r.json.account.id, account: r.json.account };
}

// A person the identity simulator knows: {id_number, name} with status match.
export async function personFor(sim, first17) {
  const id = idNumber(first17);
  const p = await sim.person(id);
  return { id_number: id, name: p.name, status: p.status };
}

// verifyResident — pass real-name authentication with a person the simulator knows.
export async function verifyResident(res, sim, first17) {
  const p = await personFor(sim, first17);
  const r = await res.s.request('POST', '/api/v1/me/real-name', { json: { name: p.name, id_number: p.id_number } });
  if (r.status !== 200) throw new Error(`real-name: ${r.status} ${r.text}`);
  return p;
}

// staffLogin — a logged-in staff session.
export async function staffLogin(srv, username, password) {
  const s = session(srv);
  const r = await s.request('POST', '/api/v1/auth/login', { json: { username, password } });
  if (r.status !== 200) throw new Error(`staff login ${username}: ${r.status} ${r.text}`);
  return s;
}

// declaredHousehold — a one-person rental household whose applicant (ID number id, name)
// declares what the department simulator knows of them (p, from sim.deptPerson(id)).
export function declaredHousehold(id, p, name = '王小明') {
  return {
    kind: 'rental',
    applicant: { name, id_number: id, relation: 'self', occupation: '工人', income_fen_month: p.declare.income_fen_month, groups: [] },
    members: [],
    housing: { area_m2: p.declare.housing_area_m2_per_person, tenure: 'rented' },
    assets: { properties: 0, vehicles: 0, vehicle_value_fen: 0, business_value_fen: 0 },
    residence_years: p.declare.residence_years,
    employment_years: 0,
    bank: { bank: '中国银行', account: '6217000000000001234' },
    declaration_signed: true,
  };
}
