import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{d as e,g as s}from"./chunks/chunk-DL5RBX4P.js";import"./chunks/chunk-UU5TJRDE.js";import{readFileSync as i}from"node:fs";function c(n){if(!n)return{};try{return JSON.parse(i(n,"utf8"))}catch(r){throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH: ${r.message}`)}}async function d(){let n=Date.now(),r=process.env.GITHUB_EVENT_NAME??"",t=c(process.env.GITHUB_EVENT_PATH),o=e(r,t,s());if(o.kind==="ignore"){process.stdout.write(`samocode: nothing to do: ${o.reason}
`);return}let{runAction:a}=await import("./chunks/run-action-X7PACBGA.js");await a(o,t,n)}d().catch(n=>{process.stdout.write(`::error::samocode: ${n.message}
`),process.exitCode=1});
