<?php
$string['thislanguage'] = 'English';
