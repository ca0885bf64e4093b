/** A bad flag or value at start-up: the server exits with this message, which names the flag. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
