// An independent check of our revocation status, run by tests/certificates/test_status_list_interop.py with Node in
// .ci/cache/npm-status (where `make test` and .ci/run install the packages): jose verifies the signatures of the
// credential and of its status list (VC-JWT, EdDSA) against the issuer's JWKS, and Digital Bazaar's
// @digitalbazaar/vc-bitstring-status-list (by editors of the W3C Bitstring Status List specification) reads the
// credential's BitstringStatusListEntry and decodes the list.
// Input on stdin: {"credential": VC-JWT, "statusList": VC-JWT, "jwks": {...}}.
// Output: {"status": true|false, "length": entries in the list}; a failed check exits non-zero with the error.
import {checkStatus, decodeList} from '@digitalbazaar/vc-bitstring-status-list';
import {createLocalJWKSet, jwtVerify} from 'jose';

let text = '';
for await (const chunk of process.stdin) {
  text += chunk;
}
const input = JSON.parse(text);
const keys = createLocalJWKSet(input.jwks);
const options = {algorithms: ['EdDSA'], typ: 'vc+jwt'};
const {payload: credential} = await jwtVerify(input.credential, keys, options);
const {payload: list} = await jwtVerify(input.statusList, keys, options);

const documentLoader = async url => {
  if(url !== list.id) {
    throw new Error(`the credential names ${url}, the list given is ${list.id}`);
  }
  return {document: list, documentUrl: url};
};
const result = await checkStatus({
  credential, documentLoader, verifyBitstringStatusListCredential: false, verifyMatchingIssuers: true
});
if(!result.verified) {
  throw result.error;
}
const decoded = await decodeList({encodedList: list.credentialSubject.encodedList});
console.log(JSON.stringify({status: result.results[0].status, length: decoded.length}));
