// The server's `instructions` and the `memory://ai_assistant_guide` resource: how an assistant should use
// Basic Memory (orient with recent_activity, offer rather than write a first note, search before creating).
export const SERVER_INSTRUCTIONS = [
  "Basic Memory is the user's personal knowledge base: Markdown notes that persist across conversations and that both " +
    'the user and their AI assistants can read and write.',
  'At the start of a session, call `recent_activity` to see what is in the notes before answering from memory. If the ' +
    'knowledge base is empty, say briefly that Basic Memory keeps notes shared between the user and their AI, and offer to ' +
    'save something useful from this conversation as a first note with `write_note`; wait for the user to agree before ' +
    'writing. Never create notes unprompted.',
  'For a fuller guide, read the `memory://ai_assistant_guide` resource. With a web or fetch tool, current documentation ' +
    'starts at `https://docs.basicmemory.com/llms.txt`.',
].join('\n\n');

export const AI_ASSISTANT_GUIDE = `# Basic Memory: a guide for AI assistants

Basic Memory is a Markdown knowledge base kept in the user's cloud and shared by the user and their AI assistants.
Keep in it what should outlive this conversation: decisions, findings, plans, preferences, reference material.

## Getting started

1. Call \`recent_activity\` to see what the user has been working on.
2. When it is unclear which project to use, call \`list_memory_projects\` and ask. Keep using the same project (prefer
   its \`project_id\`) for later calls.
3. An empty recent activity does not mean an empty knowledge base. For a new user, explain how shared memory works and
   offer a useful first note; write it only once they agree.

## Working with notes

- Search (\`search_notes\`) before writing, so existing knowledge is extended rather than duplicated.
- Read a note (\`read_note\`) before changing it, then change it with \`edit_note\` (append, prepend, find_replace,
  replace_section, insert_before_section, insert_after_section).
- Create notes with \`write_note\`; its \`directory\` decides the folder. It refuses to overwrite unless asked.
- Connect knowledge: observations (\`- [category] text #tag\`) and relations (\`- relates_to [[Other Note]]\`) make later
  retrieval and \`build_context\` useful.
- Deleted notes go to the trash and can be restored from the dashboard.

The tool descriptions and input schemas of this server are the authority on tool names and arguments.

## Documentation

With a fetch tool, read \`https://docs.basicmemory.com/llms.txt\` and then only the page you need.
`;
