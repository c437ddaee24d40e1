import { switchboardApp } from './switchboard-app.ts';

// `npm run synth` (cdk.json runs this with tsx on Node 24).
switchboardApp().app.synth();
