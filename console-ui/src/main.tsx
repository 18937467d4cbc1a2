import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import {
  FileInput,
  Select,
  Badge,
  MantineProvider,
  Modal,
  NavLink,
  createTheme,
  defaultVariantColorsResolver,
  type CSSVariablesResolver,
} from '@mantine/core';
import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import './contrast.css';
import { App } from './App';

// Contrast (WCAG AA, checked by the browser tests with axe): filled colors one shade darker with
// text picked for contrast, colored text on light backgrounds in the darkest shade, and dimmed
// text darker than Mantine's default gray.
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  defaultRadius: 'sm',
  // Badges are light or outline here: their label in near-black reads on any of their tints.
  components: {
    Badge: Badge.extend({ styles: { label: { color: 'var(--mantine-color-dark-7)' } } }),
    NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
    Select: Select.extend({ defaultProps: { clearButtonProps: { 'aria-label': 'Clear' } } }),
    FileInput: FileInput.extend({ defaultProps: { clearButtonProps: { 'aria-label': 'Clear file' } } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' }, transitionProps: { duration: 0 } } }),
  },
  variantColorResolver: (input) => {
    const colors = defaultVariantColorsResolver(input);
    const name = input.color ?? input.theme.primaryColor;
    if (['light', 'outline', 'subtle', 'transparent'].includes(input.variant ?? '') && name in input.theme.colors) {
      return {
        ...colors,
        color: `var(--mantine-color-${name}-9)`,
        border: input.variant === 'outline' ? `1px solid var(--mantine-color-${name}-9)` : colors.border,
      };
    }
    return colors;
  },
});

const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-placeholder': 'var(--mantine-color-gray-7)' },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
