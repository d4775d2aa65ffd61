import { createRequire as __samocodeCreateRequire } from 'node:module';
const require = __samocodeCreateRequire(import.meta.url);
import{c as t}from"./chunks/chunk-7VYEIUAY.js";import"./chunks/chunk-UU5TJRDE.js";import{readFileSync as i}from"node:fs";function s(e,r=""){return(process.env[`INPUT_${e.replace(/ /g,"_").toUpperCase()}`]??"").trim()||r}function c(e){if(!e)return{};try{return JSON.parse(i(e,"utf8"))}catch(r){throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH: ${r.message}`)}}async function d(){let e=Date.now(),r=process.env.GITHUB_EVENT_NAME??"",n=c(process.env.GITHUB_EVENT_PATH),o=t(r,n,{triggerLabel:s("trigger-label","samocode"),allowedBots:s("allowed-bots").split(/[\s,]+/).filter(Boolean)});if(o.kind==="ignore"){process.stdout.write(`samocode: nothing to do: ${o.reason}
`);return}let{runAction:a}=await import("./chunks/action-main-U2Q4FEKR.js");await a(o,n,e)}d().catch(e=>{process.stdout.write(`::error::samocode: ${e.message}
`),process.exitCode=1});
