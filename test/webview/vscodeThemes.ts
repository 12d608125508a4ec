import type { PanelPageOptions } from './panelHarness';

/**
 * VS Code's own values for the `--vscode-*` variables the panel reads, as VS Code sets them on <html>, and the
 * class it puts on <body>: enough to render the "follow VS Code" theme as it looks in each of VS Code's kinds.
 * Light and Dark Modern are copied from VS Code 1.100's theme-defaults; the high-contrast values are the
 * colour registry's defaults for those kinds (their theme files set almost nothing).
 */

const FONTS: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'Consolas, "Courier New", monospace',
  '--vscode-editor-font-size': '14px',
};

export const DARK_MODERN: Record<string, string> = {
  ...FONTS,
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-foreground': '#cccccc',
  '--vscode-sideBar-background': '#181818',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-widget-border': '#313131',
  '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-warningBackground': '#352a05',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-textLink-foreground': '#4daafc',
};

export const LIGHT_MODERN: Record<string, string> = {
  ...FONTS,
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-foreground': '#3b3b3b',
  '--vscode-sideBar-background': '#f8f8f8',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-descriptionForeground': '#3b3b3b',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.16)',
  '--vscode-button-background': '#005fb8',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#0258a8',
  '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-foreground': '#3b3b3b',
  '--vscode-input-border': '#cecece',
  '--vscode-input-placeholderForeground': '#767676',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-textBlockQuote-background': '#f8f8f8',
  '--vscode-errorForeground': '#f85149',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-inputValidation-warningBackground': '#f6f5d2',
  '--vscode-testing-iconPassed': '#388a34',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-textLink-foreground': '#005fb8',
};

/** "Dark High Contrast": black, white text, and a contrast border on everything. */
export const DARK_HIGH_CONTRAST: Record<string, string> = {
  ...DARK_MODERN,
  '--vscode-editor-background': '#000000',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-foreground': '#ffffff',
  '--vscode-sideBar-background': '#000000',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-panel-border': '#6fc3df',
  '--vscode-widget-border': '#6fc3df',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-button-background': '#000000',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#6fc3df',
  '--vscode-input-background': '#000000',
  '--vscode-input-border': '#6fc3df',
  '--vscode-textBlockQuote-background': '#000000',
  '--vscode-textLink-foreground': '#21a6ff',
  '--vscode-errorForeground': '#f48771',
  '--vscode-editorWarning-foreground': '#fff000',
};

/** "Light High Contrast": white, near-black text, dark blue borders. */
export const LIGHT_HIGH_CONTRAST: Record<string, string> = {
  ...LIGHT_MODERN,
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#292929',
  '--vscode-foreground': '#292929',
  '--vscode-sideBar-background': '#ffffff',
  '--vscode-editorWidget-background': '#ffffff',
  '--vscode-descriptionForeground': '#292929',
  '--vscode-panel-border': '#0f4a85',
  '--vscode-widget-border': '#0f4a85',
  '--vscode-contrastBorder': '#0f4a85',
  '--vscode-contrastActiveBorder': '#006bbd',
  '--vscode-focusBorder': '#006bbd',
  '--vscode-button-background': '#0f4a85',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-border': '#0f4a85',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-border': '#0f4a85',
  '--vscode-textBlockQuote-background': '#f2f2f2',
  '--vscode-textLink-foreground': '#0f4a85',
  '--vscode-errorForeground': '#b5200d',
  '--vscode-editorWarning-foreground': '#895503',
};

/** One look of the panel: a panel theme, and for "follow VS Code" the VS Code kind it follows. */
export interface PanelLook {
  name: string;
  theme: 'cream' | 'light' | 'dark' | 'eink' | 'vscode';
  options?: Partial<PanelPageOptions>;
}

/** Every look the panel can have: its four own themes and "follow VS Code" in each of VS Code's four kinds. */
export const PANEL_LOOKS: readonly PanelLook[] = [
  { name: 'cream', theme: 'cream' },
  { name: 'light', theme: 'light' },
  { name: 'dark', theme: 'dark' },
  { name: 'eink', theme: 'eink' },
  { name: 'vscode-light', theme: 'vscode', options: { vscodeVars: LIGHT_MODERN, bodyClasses: ['vscode-light'] } },
  { name: 'vscode', theme: 'vscode', options: { vscodeVars: DARK_MODERN, bodyClasses: ['vscode-dark'] } },
  { name: 'vscode-high-contrast', theme: 'vscode', options: { vscodeVars: DARK_HIGH_CONTRAST, bodyClasses: ['vscode-high-contrast'] } },
  { name: 'vscode-high-contrast-light', theme: 'vscode', options: { vscodeVars: LIGHT_HIGH_CONTRAST, bodyClasses: ['vscode-high-contrast-light'] } },
];
