import fs from 'node:fs';
import path from 'node:path';
import { type CompiledSkill, compileSkill } from './compiler';

/** The skills we ship (the ERP's five), as Markdown files next to this module. */
export const SKILL_LIBRARY_DIR = path.join(__dirname, 'library');

export function loadSkillLibrary(dir: string = SKILL_LIBRARY_DIR): CompiledSkill[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => compileSkill(file, fs.readFileSync(path.join(dir, file), 'utf8')));
}
