// What a CLI command is: its help text and a run function over the parsed arguments, the terminal and an
// authenticated API caller. Apart from main.ts so that command modules never import the entry point.
import type { Io } from './auth.ts';
import type { Settings } from './settings.ts';

export type Flags = Record<string, string | boolean>;

export interface CommandContext {
  args: string[];
  flags: Flags;
  io: Io;
  settings: () => Settings;
  /** An access token (refreshed when within 60 s of expiry) or a CliError telling the user to log in. */
  accessToken: () => Promise<string>;
  /** GET/POST… `{host}{path}` with the Bearer token; JSON in and out. */
  api: (path: string, init?: RequestInit) => Promise<{ status: number; body: unknown }>;
}

export interface Command {
  summary: string;
  usage: string;
  run: (ctx: CommandContext) => Promise<number>;
}
