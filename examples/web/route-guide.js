// GetFeature over the Connect protocol (connectrpc.com/docs/protocol): a unary call is a POST to
// /package.Service/Method with the request message as JSON, and the answer is the response message
// as JSON (HTTP 200) or an error {"code": ..., "message": ...} with another HTTP status.
'use strict';

const GET_FEATURE = '/trunk.examples.routeguide.RouteGuide/GetFeature';

async function getFeature(point) {
  const response = await fetch(GET_FEATURE, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
    body: JSON.stringify(point),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.code + ': ' + (body.message || 'no message'));
  }
  return body;
}

function describe(feature, point) {
  // proto3 JSON leaves out empty fields: no name means no feature at the point.
  return feature.name
    ? feature.name + ' at ' + point.latitude + ', ' + point.longitude
    : 'No feature at ' + point.latitude + ', ' + point.longitude;
}

document.getElementById('point').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const point = {
    latitude: Number(form.get('latitude')),
    longitude: Number(form.get('longitude')),
  };
  const output = document.getElementById('feature');
  output.textContent = 'Asking…';
  delete output.dataset.outcome; // set again once this call has an answer
  try {
    output.textContent = describe(await getFeature(point), point);
    output.dataset.outcome = 'feature';
  } catch (error) {
    output.textContent = 'Failed: ' + error.message;
    output.dataset.outcome = 'error';
  }
});
