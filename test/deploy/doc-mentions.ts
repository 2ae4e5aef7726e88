/**
 * What the documentation's Docker sections claim about docker-compose.yml: the services they name (in tables and
 * in `docker compose <command> <service>` lines), the host ports (`localhost:8080`), the environment variables
 * (`TEMPORAL_ADDRESS`), the volumes ("the volume `ledgers`") and the container paths (`/var/lib/…`) — so a
 * test can hold every one of them against the file.
 */

/** Everything one document's Docker sections mention. */
export interface DockerMentions {
  readonly services: Set<string>;
  readonly ports: Set<number>;
  readonly variables: Set<string>;
  readonly volumes: Set<string>;
  readonly containerPaths: Set<string>;
  /** How many Docker sections the document has. */
  readonly sections: number;
}

const SERVICE_COMMANDS = /docker[ -]compose\s+(logs|ps|restart|stop|start|exec|run|rm|pull|build|top|kill|pause|unpause|cp|up)\b([^\n`|]*)/g;

/** The text under every heading that speaks of Docker or Compose, up to the next heading. */
export function dockerSections(markdown: string): string[] {
  const sections: string[] = [];
  let current: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (/^#{1,6}\s/.test(line)) {
      if (current !== null) sections.push(current.join('\n'));
      current = /docker|compose/i.test(line) ? [] : null;
    } else current?.push(line);
  }
  if (current !== null) sections.push(current.join('\n'));
  return sections;
}

function servicesOfCommand(verb: string, rest: string): string[] {
  const words = rest.trim().split(/\s+/).filter((w) => w !== '' && !w.startsWith('-') && !/^[&;|>]/.test(w));
  const names = verb === 'exec' || verb === 'run' || verb === 'cp' ? words.slice(0, 1) : words;
  return names.map((w) => w.split(':')[0] ?? w).filter((w) => /^[a-z][a-z0-9_-]*$/.test(w));
}

/** Collects the mentions of a document's Docker sections. */
export function dockerMentions(markdown: string): DockerMentions {
  const sections = dockerSections(markdown);
  const text = sections.join('\n');
  const mentions: DockerMentions = {
    services: new Set(),
    ports: new Set(),
    variables: new Set(),
    volumes: new Set(),
    containerPaths: new Set(),
    sections: sections.length,
  };
  for (const row of text.matchAll(/^\|\s*`([a-z][a-z0-9_-]*)`\s*\|/gm)) mentions.services.add(row[1] ?? '');
  for (const command of text.matchAll(SERVICE_COMMANDS)) for (const s of servicesOfCommand(command[1] ?? '', command[2] ?? '')) mentions.services.add(s);
  for (const port of text.matchAll(/\b(?:localhost|127\.0\.0\.1):(\d{2,5})\b/g)) mentions.ports.add(Number(port[1]));
  for (const variable of text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`/g)) mentions.variables.add(variable[1] ?? '');
  for (const volume of text.matchAll(/volumes? `([a-z0-9_-]+)`/g)) mentions.volumes.add(volume[1] ?? '');
  for (const path of text.matchAll(/(\/var\/lib\/[A-Za-z0-9._/-]+)/g)) mentions.containerPaths.add(path[1] ?? '');
  return mentions;
}
