import path from 'node:path';

/** The repository's config/ folder, from src/cli/commands/calibrate/ (or its build output). */
export const REPO_CONFIG_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'config');
