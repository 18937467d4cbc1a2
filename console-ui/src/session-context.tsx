// Who is signed in (GET /v1/console/me), what the role may do (the permission table the API
// enforces, lib/domain/console/permissions.ts, imported as it is), and the apps it sees.
import { createContext, useContext } from 'react';
import { may, type Capability, type Role } from '../../lib/domain/console/permissions';

export interface Me {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
}

export interface ConsoleApp {
  appId: string;
  name: string;
  teamId: string;
  paymentEnabled: boolean;
  deliveryConfigured?: boolean;
}

export interface SessionValue {
  me: Me;
  apps: ConsoleApp[];
  reloadApps(): Promise<void>;
  signOut(): void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

/** Whether the signed-in role may do it (the API checks again: CONTRACT.md 7.2). */
export function useCan(): (capability: Capability) => boolean {
  const { me } = useSession();
  return (capability) => may(me.role, capability);
}

export const isPlatform = (role: Role): boolean => role === 'super_admin' || role === 'platform_admin';

/** Teams, users and apps (7.1) follow their own rule rather than a row of the table. */
export const managesUsers = (role: Role): boolean => isPlatform(role) || role === 'mp_admin';
export const createsApps = managesUsers;

export const ROLE_LABELS: Record<Role, string> = {
  super_admin: 'Super admin',
  platform_admin: 'Platform admin',
  mp_admin: 'Mini program administrator',
  mp_senior_developer: 'Mini program senior developer',
  mp_developer: 'Mini program developer',
  mp_operator: 'Mini program operator',
};
