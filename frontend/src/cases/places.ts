/** Where a person supervises cases (督办): the places of their street and district supervisor roles. */
import type { Me, RoleKind } from '../types'
import type { PlaceRef } from './types'

export const SUPERVISOR_ROLES: readonly RoleKind[] = ['street_supervisor', 'district_supervisor']

export function supervisedPlaces(me: Me | null): PlaceRef[] {
  const found = new Map<number, PlaceRef>()
  for (const role of me?.roles ?? []) {
    if (SUPERVISOR_ROLES.includes(role.kind) && !found.has(role.place.id)) {
      found.set(role.place.id, { id: role.place.id, name: role.place.name, kind: role.place.kind })
    }
  }
  return [...found.values()]
}

export function isSupervisor(me: Me | null): boolean {
  return supervisedPlaces(me).length > 0
}
