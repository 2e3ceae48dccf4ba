// The region tree as the console's forms need it: the regions at and below
// the signed-in member's own (breadth first, a few hundred at most), each
// with an indented label; and the levels of the tree with the roles that
// belong at each, as the server enforces them (GET /meta/roles).
import { api } from '../shared/api.js'

const MAX_REGIONS = 400

let meta = null // the promise of GET /meta/roles: once per page load

/**
 * {childLevel, roleLevels} from the server: the level below each level, for
 * adding a child region ({nation: 'province', …}; a community has none), and
 * where each role may be placed ({community_clerk: ['street', 'community'], …},
 * in the server's order). Fetched once per page load; a failed fetch is tried
 * again by the next caller.
 */
export function roleMeta() {
  meta ??= api('/meta/roles').then((r) => ({
    childLevel: Object.fromEntries(r.levels.filter((l) => l.child).map((l) => [l.code, l.child])),
    roleLevels: Object.fromEntries(r.roles.map((role) => [role.code, role.levels])),
  }), (err) => {
    meta = null
    throw err
  })
  return meta
}

/** [{code, name, name_en, level, depth}] of `root` and its subtree, tree order. */
export async function regionSubtree(root) {
  const top = await api(`/regions/${root}`)
  const out = []
  async function walk(region, depth) {
    out.push({ ...region, depth })
    if (out.length >= MAX_REGIONS || region.level === 'community') return
    const children = (await api(`/regions?parent=${region.code}`)).items
    for (const child of children) {
      if (out.length >= MAX_REGIONS) return
      await walk(child, depth + 1)
    }
  }
  await walk(top, 0)
  return out
}
