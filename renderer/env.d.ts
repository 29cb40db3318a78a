/// <reference types="vite/client" />

// strictTemplates checks every attribute; data-* (test ids, states for the e2e tests) are allowed on any element.
import 'vue';
declare module 'vue' {
  interface HTMLAttributes {
    [key: `data-${string}`]: string | number | boolean | undefined;
  }
  interface SVGAttributes {
    [key: `data-${string}`]: string | number | boolean | undefined;
  }
}
