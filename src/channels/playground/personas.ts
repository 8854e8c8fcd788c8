// The people of the playground. Demo personas (an applicant, a secretariat member, a member unit's
// representative) are shared: this is a local trial where one person plays every role. A persona
// someone creates belongs to the browser that created it (its session cookie): no other browser can
// see it, read its messages or files, or act as it, whatever id it guesses. Kept in DATA_DIR.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export const ROLES = ['applicant', 'secretariat', 'member'] as const;
export type Role = (typeof ROLES)[number];

export type Persona = { id: string; name: string; role: Role; demo: boolean; owner?: string };

/** Demo personas; the secretariat and member ones are seeded as such on the embedded database. */
export const DEMO_PERSONAS: Persona[] = [
  { id: 'applicant', name: '张老师（申请单位）', role: 'applicant', demo: true },
  { id: 'secretariat', name: '李秘书（秘书处）', role: 'secretariat', demo: true },
  { id: 'member', name: '王代表（成员单位）', role: 'member', demo: true },
];

export const DEMO_MEMBER_UNIT = { orgName: '北京市数字教育中心', orgType: '教育部门', repName: '王代表' };

/** A browser may create this many personas. */
export const MAX_PERSONAS_PER_SESSION = 20;

export class PersonaStore {
  private readonly created = new Map<string, Persona>();
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dataDir, 'playground-personas.json');
    try {
      const saved = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Persona[];
      for (const p of saved) if (typeof p?.id === 'string' && p.owner) this.created.set(p.id, { ...p, demo: false });
    } catch {
      // None saved yet (or unreadable: start empty).
    }
  }

  /** The persona `id` if `session` may use it: a demo one, or one this session created. */
  visible(id: string, session: string | undefined): Persona | undefined {
    const demo = DEMO_PERSONAS.find((p) => p.id === id);
    if (demo) return demo;
    const own = this.created.get(id);
    return own && session && own.owner === session ? own : undefined;
  }

  list(session: string | undefined): Persona[] {
    return [...DEMO_PERSONAS, ...[...this.created.values()].filter((p) => session && p.owner === session)];
  }

  create(session: string, name: string, role: Role): Persona | 'too_many' {
    if ([...this.created.values()].filter((p) => p.owner === session).length >= MAX_PERSONAS_PER_SESSION)
      return 'too_many';
    const persona: Persona = { id: `u-${randomBytes(8).toString('hex')}`, name, role, demo: false, owner: session };
    this.created.set(persona.id, persona);
    this.save();
    return persona;
  }

  private save(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, JSON.stringify([...this.created.values()], null, 1));
    } catch (err) {
      this.log.warn({ err }, 'playground personas not saved');
    }
  }
}

/** Public view of a persona (never its owner). */
export const personaView = (p: Persona) => ({ id: p.id, name: p.name, role: p.role, demo: p.demo });
