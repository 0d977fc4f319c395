// SPDX-License-Identifier: GPL-2.0-or-later
// A small piece written against the real @activepieces/pieces-framework, as a
// custom piece would be: one offline action that counts words.
'use strict';

const { createAction, createPiece, PieceAuth, Property } = require('@activepieces/pieces-framework');

const wordCount = createAction({
	name: 'word_count',
	displayName: 'Word count',
	description: 'Count the words of a text and find the longest one',
	requireAuth: false,
	props: {
		text: Property.LongText({ displayName: 'Text', required: true }),
	},
	async run(ctx) {
		const words = String(ctx.propsValue.text).split(/\s+/).filter(Boolean);
		const longest = words.reduce((a, w) => (w.length > a.length ? w : a), '');
		return { words: words.length, longest };
	},
});

exports.textStats = createPiece({
	displayName: 'Text stats (apbox example)',
	description: 'Offline text statistics',
	logoUrl: 'https://cdn.activepieces.com/pieces/text-helper.svg',
	auth: PieceAuth.None(),
	authors: [],
	actions: [wordCount],
	triggers: [],
});
