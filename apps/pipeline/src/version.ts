import packageJson from '../package.json' with { type: 'json' };

export const MIXTAPE_VERSION: string = packageJson.version;
