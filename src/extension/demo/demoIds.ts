/** The demo's command, and the label every "Try the demo" offer (no-key warning, banner, walkthrough) uses. */
export const TRY_DEMO_COMMAND = 'dialogue.tryDemo';
export const TRY_DEMO_LABEL = 'Try the demo';
