// The region tree as the console's forms need it: the regions at and below
// the signed-in member's own (breadth first, a few hundred at most), each
// with an indented label, and the roles that belong at each level.
import { api } from '../shared/api.js'

const MAX_REGIONS = 400

/** Levels below each level, for adding a child region. */
export const CHILD_LEVEL = { nation: 'province', province: 'city', city: 'district', district: 'street', street: 'community' }

/** Where each role may be placed (the server's rule, for the pickers). */
export const ROLE_LEVELS = {
  community_clerk: ['community', 'street'],
  street_reviewer: ['street'],
  district_reviewer: ['district'],
  city_approver: ['city'],
  housing_manager: ['city', 'district'],
  finance_officer: ['city'],
  content_editor: ['city'],
  ticket_handler: ['city', 'district', 'street'],
  city_admin: ['city'],
  province_supervisor: ['province'],
  ministry_supervisor: ['nation'],
  system_admin: ['nation'],
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
