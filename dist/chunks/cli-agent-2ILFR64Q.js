import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j}from"./chunk-AR4VR3GA.js";import"./chunk-3US3YCU4.js";import"./chunk-RLVWFSUG.js";export{f as CliAgent,a as MAX_ERROR_CHARS,i as apiMessage,h as count,d as errorLine,e as exitError,j as isInside,g as jsonEvent,c as keepStart,b as oneLine};
