import { config } from 'zod';

// zod compiles fast object parsers with `new Function`, and merely probing for eval is reported as a
// `securitypolicyviolation` under the panel's CSP (script-src has no 'unsafe-eval'). The probe runs when
// protocol.ts builds its schemas, so this module must be imported before anything that imports protocol.ts.
config({ jitless: true });
